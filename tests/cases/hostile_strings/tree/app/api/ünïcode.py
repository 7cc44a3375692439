# -*- coding: utf-8 -*-
"""Ünïcode module."""
import stripe
