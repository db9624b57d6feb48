"""``stretchcue completion``: tab completion for commands, options and routine files."""

from __future__ import annotations

import click

INSTALL = {
    "bash": 'eval "$(_STRETCHCUE_COMPLETE=bash_source stretchcue)"   # in ~/.bashrc',
    "zsh": 'eval "$(_STRETCHCUE_COMPLETE=zsh_source stretchcue)"    # in ~/.zshrc',
    "fish": "_STRETCHCUE_COMPLETE=fish_source stretchcue | source   "
            "# in ~/.config/fish/completions/stretchcue.fish",
}


@click.command()
@click.argument("shell", type=click.Choice(sorted(INSTALL)))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    Either save the output and source it from your shell's startup file, or
    add the line from its header to that file so it is always current.

    \b
    Examples:
      stretchcue completion bash > ~/.stretchcue-complete.bash
      echo '. ~/.stretchcue-complete.bash' >> ~/.bashrc
      stretchcue completion fish > ~/.config/fish/completions/stretchcue.fish
    """
    from click.shell_completion import get_completion_class

    from stretchcue_host.cli import main

    cls = get_completion_class(shell)
    script = cls(main, {}, "stretchcue", "_STRETCHCUE_COMPLETE").source()
    click.echo(script)
    click.echo(f"# stretchcue {shell} completion. To enable it, either source this file\n"
               f"# from your shell's startup file, or add this line there:\n"
               f"#   {INSTALL[shell]}")
