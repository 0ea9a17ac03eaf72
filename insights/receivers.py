def customers_hand_over(sender, staff, successor, actor=None, **kwargs):
    from insights.services import customers_hand_over as hand_over

    hand_over(staff=staff, successor=successor, actor=actor)
