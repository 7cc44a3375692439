from app.core import config
from app.core import util
