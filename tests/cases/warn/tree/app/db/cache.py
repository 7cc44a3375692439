import pickle
import pprint
