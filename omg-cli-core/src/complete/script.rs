//! The completion scripts `omg completions <shell>` prints. Each one hands the command line
//! to `omg __complete <index> <words...>` and offers its lines as they are: read as data
//! (bash's `mapfile`, zsh's `(f)` split, fish's command substitution), never evaluated, and
//! inserted with the shell's own quoting. When omg has nothing to offer (a path, or no omgd
//! to name packages), the shell completes file names.

use crate::args::ShellArg;

const BASH: &str = r#"# bash completion for omg: `omg completions bash > ~/.local/share/bash-completion/completions/omg`
# (or `source <(omg completions bash)` in ~/.bashrc). Each <Tab> runs `omg __complete`:
# commands and options from omg's command line, package names from a running omgd,
# runtimes and their installed versions from disk; with nothing to offer, file names.
_omg() {
    COMPREPLY=()
    mapfile -t COMPREPLY < <(command omg __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
}
complete -o bashdefault -o default -F _omg omg
"#;

const ZSH: &str = r#"#compdef omg
# zsh completion for omg: save as `_omg` in a directory of $fpath (or
# `source <(omg completions zsh)` after compinit). Each <Tab> runs `omg __complete`:
# commands and options from omg's command line, package names from a running omgd,
# runtimes and their installed versions from disk; with nothing to offer, file names.
_omg() {
    local -a candidates
    candidates=("${(@f)$(command omg __complete $(( CURRENT - 1 )) "${words[@]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    if (( ${#candidates} )); then
        compadd -- "${candidates[@]}"
    else
        _files
    fi
}
if [[ "${funcstack[1]}" == "_omg" ]]; then
    _omg "$@"
else
    compdef _omg omg
fi
"#;

const FISH: &str = r#"# fish completion for omg: `omg completions fish > ~/.config/fish/completions/omg.fish`.
# Each <Tab> runs `omg __complete`: commands and options from omg's command line, package
# names from a running omgd, runtimes and their installed versions from disk; with nothing
# to offer, file names.
function __omg_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l candidates (command omg __complete (count $words) $words $current 2>/dev/null)
    if set -q candidates[1]
        printf '%s\n' $candidates
    else
        __fish_complete_path "$current"
    end
end
complete -c omg -f -a '(__omg_complete)'
"#;

/// The completion script for `shell`.
pub fn script(shell: ShellArg) -> &'static str {
    match shell {
        ShellArg::Bash => BASH,
        ShellArg::Zsh => ZSH,
        ShellArg::Fish => FISH,
    }
}
