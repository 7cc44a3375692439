import stripe
import boto3
import pickle
