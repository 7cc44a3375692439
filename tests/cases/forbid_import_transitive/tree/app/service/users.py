import json

from app.db import client
