"""db"""
import requests
