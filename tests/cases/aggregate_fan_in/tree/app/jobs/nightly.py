import app.core.config as c
