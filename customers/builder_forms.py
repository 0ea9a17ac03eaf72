"""The page builder's forms for this app's blocks: {block name: storefront.forms.BlockForm subclass}."""

FORMS: dict = {}
