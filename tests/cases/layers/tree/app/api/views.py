from app.service import users
from app.cli import main
