from shequ.views.communities import CommunityDetailView, CommunityListView
from shequ.views.health import health
from shequ.views.home import HomeView

__all__ = ["CommunityDetailView", "CommunityListView", "HomeView", "health"]
