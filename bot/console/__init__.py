"""Staff console: a small FastAPI + Jinja2 web app (``bot.console.app:create_app``)."""
