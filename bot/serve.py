"""Start one of the three processes with log redaction, private files and no secret on the command line.

    python -m bot.serve rasa run --model … --enable-api      (the Rasa server)
    python -m bot.serve actions --actions actions --port …   (the rasa-sdk action server)
    python -m bot.serve console --factory bot.console.app:create_app …   (uvicorn)

Each first sets umask 077 and tightens ``var/`` (:mod:`bot.private_files`) and installs :mod:`bot.redact`,
then hands the remaining arguments to the program's own entry point in this same process. For ``rasa`` with
``--enable-api``, the HTTP API token is read from the settings (``IOPBOT_RASA_TOKEN`` in the environment, or
``var/rasa_token.txt``) and added to Rasa's arguments here, so ``ps`` and ``/proc/<pid>/cmdline`` never show it.
The action server's error reply to Rasa no longer echoes the request (the whole conversation).
"""

from __future__ import annotations

import logging
import sys

from bot.config import get_settings


def prepare() -> None:
    from bot import redact
    from bot.private_files import make_private

    settings = get_settings()
    make_private(settings.data_dir)
    redact.install(redact.key_from(settings.key("secret_key")))


def rasa_argv(args: list[str]) -> list[str]:
    """Rasa's arguments with the API token added when the API is enabled (never without a token)."""
    if "--enable-api" in args and not any(a == "--auth-token" or a.startswith("--auth-token=") for a in args):
        args = [*args, f"--auth-token={get_settings().key('rasa_token')}"]  # "=": a token may start with "-"
    return ["rasa", *args]


def _action_errors_without_request_body() -> None:
    """rasa-sdk answers a failed action with ``{"error", "request_body": <the whole tracker>}``; Rasa then logs
    that body. Register a handler after rasa-sdk's own one that says only that the action failed."""
    from rasa_sdk import endpoint
    from sanic import response

    create_app = endpoint.create_app

    def create_app_quietly(*args, **kwargs):
        app = create_app(*args, **kwargs)

        @app.exception(Exception)
        async def action_failed(request, exception):  # noqa: ARG001
            logging.getLogger("rasa_sdk.endpoint").error("an action failed", exc_info=exception)
            return response.json({"error": "the action failed; see the action server's log"}, status=500)

        return app

    endpoint.create_app = create_app_quietly


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("rasa", "actions", "console"):
        sys.exit("usage: python -m bot.serve rasa|actions|console [arguments of that program]")
    which, args = argv[0], argv[1:]
    prepare()
    if which == "rasa":
        import skops.io  # noqa: F401 - about 1 s before TensorFlow is loaded, 5 s after (bench/PROFILE.md)
        from rasa.__main__ import main as rasa_main

        from bot.nlu.rasa_patch import install_all

        install_all()

        sys.argv = rasa_argv(args)
        rasa_main()
    elif which == "actions":
        from rasa_sdk.__main__ import main as sdk_main

        _action_errors_without_request_body()
        from bot.config import get_settings

        if get_settings().warm_up_answers:
            from actions.common import warm_up_in_background

            warm_up_in_background()
        sys.argv = ["rasa_sdk", *args]
        sdk_main()
    else:
        from uvicorn.main import main as uvicorn_main

        sys.argv = ["uvicorn", *args]
        uvicorn_main()


if __name__ == "__main__":
    main()
