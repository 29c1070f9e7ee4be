"""Every write of the billing domain, one module per concern (payments, SEPA, exports…).

Import the functions from their module: `from marelle.billing.services.payments import …`.
"""
