"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for grievances, so that existing
civic-issue clients can list the desk's categories, submit cases and follow them."""
