from app.core import config
