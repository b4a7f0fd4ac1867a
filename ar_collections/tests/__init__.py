from . import test_aging
from . import test_collection_run
from . import test_dispute
