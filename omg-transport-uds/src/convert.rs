//! Between the failure responses and `omg_ports::Error`, so that a client can hand its callers
//! the same errors a backend would, and a daemon can answer a backend's error as a response.

use omg_ports::Error;

use crate::response::Response;

/// The library name under which failures of omgd itself appear in [`Error::Library`].
pub const DAEMON_LIBRARY: &str = "omgd";

impl From<Error> for Response {
    /// `NotFound` and `InvalidRequest` keep their meaning; every other error becomes
    /// `Internal` with the error's message (which says what to do next).
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound { name, suggestions } => Response::NotFound { name, suggestions },
            Error::InvalidRequest(m) => Response::InvalidRequest(m),
            other => Response::Internal(other.to_string()),
        }
    }
}

impl Response {
    /// `Ok(self)` for an answer, `Err` for a typed failure.
    ///
    /// `NotFound` and `InvalidRequest` map to the same [`Error`] variants; `Internal`,
    /// `PermissionDenied`, `Overloaded` and `Incompatible` to [`Error::Library`] with library
    /// [`DAEMON_LIBRARY`] and a message saying what to do.
    ///
    /// # Errors
    /// The failure as an [`Error`].
    pub fn into_result(self) -> Result<Response, Error> {
        let library = || DAEMON_LIBRARY.to_string();
        match self {
            Response::NotFound { name, suggestions } => Err(Error::NotFound { name, suggestions }),
            Response::InvalidRequest(m) => Err(Error::InvalidRequest(m)),
            Response::Internal(message) => Err(Error::Library {
                library: library(),
                message,
            }),
            Response::PermissionDenied(message) => Err(Error::Library {
                library: library(),
                message,
            }),
            Response::Overloaded { retry_after_ms } => Err(Error::Library {
                library: library(),
                message: format!("omgd is busy with other requests; retry in {retry_after_ms} ms"),
            }),
            Response::Incompatible {
                daemon_protocol,
                reason,
            } => Err(Error::Library {
                library: library(),
                message: format!(
                    "incompatible protocol (omgd speaks {}.{}): {reason}",
                    daemon_protocol.0, daemon_protocol.1
                ),
            }),
            ok => Ok(ok),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_maps_both_ways() {
        let e = Error::NotFound {
            name: "fierfox".into(),
            suggestions: vec!["firefox".into()],
        };
        let r = Response::from(e);
        assert_eq!(
            r,
            Response::NotFound {
                name: "fierfox".into(),
                suggestions: vec!["firefox".into()]
            }
        );
        let back = r.into_result().unwrap_err();
        assert!(matches!(back, Error::NotFound { ref name, .. } if name == "fierfox"));
    }

    #[test]
    fn other_errors_keep_their_message() {
        let r = Response::from(Error::BackendGone("alpm".into()));
        assert_eq!(
            r,
            Response::Internal("the alpm backend is no longer running; restart omg".into())
        );
        let r = Response::from(Error::InvalidRequest("empty query".into()));
        assert!(matches!(
            r.into_result(),
            Err(Error::InvalidRequest(m)) if m == "empty query"
        ));
        let e = Response::Overloaded { retry_after_ms: 5 }
            .into_result()
            .unwrap_err();
        assert!(e.to_string().contains("retry in 5 ms"));
        assert_eq!(Response::Pong.into_result().unwrap(), Response::Pong);
    }
}
