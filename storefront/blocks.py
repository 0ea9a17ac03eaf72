"""The stream a manager's page is made of: the shared library in `cms.blocks`, plus the blocks
other apps define for themselves (they are added here as those apps arrive)."""

from wagtail import blocks

from cms.blocks import manager_block_types

MAX_BLOCKS = 30


def _app_blocks() -> list:
    from appointments.blocks import BLOCKS as appointment_blocks
    from campaigns.blocks import BLOCKS as campaign_blocks
    from customers.blocks import BLOCKS as customer_blocks
    from questionnaires.blocks import BLOCKS as questionnaire_blocks

    return [*customer_blocks, *appointment_blocks, *questionnaire_blocks, *campaign_blocks]


class StorefrontBlocks(blocks.StreamBlock):
    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(local_blocks=[*manager_block_types(), *_app_blocks(), *(local_blocks or [])], **kwargs)

    class Meta:
        max_num = MAX_BLOCKS
