"""Voice of the customer (themes discovered each period, matched across periods, edited by agents)
and knowledge gaps (handoffs and unhelpful articles -> gaps -> draft articles -> measured effect).
See docs/insights.md."""
