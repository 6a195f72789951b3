//! A tiny HTTP server on 127.0.0.1 serving the repository, which can stall a .deb
//! half-way until released: a download that is still running when the test interrupts it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// At most this many connections are served; a stall lasts at most this long.
const MAX_CONNECTIONS: usize = 64;
const MAX_STALL: Duration = Duration::from_secs(60);

pub struct Server {
    pub port: u16,
    release: Arc<(Mutex<bool>, Condvar)>,
}

impl Server {
    /// Serves `root`; requests for `.deb` files get half the file and then wait.
    pub fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let release = Arc::new((Mutex::new(false), Condvar::new()));
        let for_thread = release.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                let Ok(stream) = stream else { continue };
                let (root, release) = (root.clone(), for_thread.clone());
                std::thread::spawn(move || serve(stream, &root, &release));
            }
        });
        Server { port, release }
    }

    /// Ends every stalled download.
    pub fn release(&self) {
        let (done, wake) = &*self.release;
        *done.lock().unwrap() = true;
        wake.notify_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.release();
    }
}

fn serve(stream: TcpStream, root: &std::path::Path, release: &(Mutex<bool>, Condvar)) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
        }
        let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let file = root.join(path.trim_start_matches('/'));
        let Ok(body) = std::fs::read(&file) else {
            let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            continue;
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n\r\n",
            body.len()
        );
        let _ = out.write_all(head.as_bytes());
        if path.ends_with(".deb") {
            let _ = out.write_all(&body[..body.len() / 2]);
            let _ = out.flush();
            let (done, wake) = release;
            let guard = done.lock().unwrap();
            let _ = wake.wait_timeout_while(guard, MAX_STALL, |released| !*released);
            return;
        }
        let _ = out.write_all(&body);
        let _ = out.flush();
    }
}
