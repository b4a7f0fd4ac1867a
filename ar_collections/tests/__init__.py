from . import test_aging
from . import test_collection_run
from . import test_dispute
from . import test_aging_xlsx
from . import test_tour
from . import test_query_count
