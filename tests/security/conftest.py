from tests.backoffice.conftest import bo  # noqa: F401 - fixtures shared with the back-office tests
from tests.portal_planning.conftest import frozen  # noqa: F401
