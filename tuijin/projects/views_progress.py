"""(being written in this session)"""

urlpatterns: list = []
