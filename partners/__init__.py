"""E-commerce partners (JD, Suning …): catalogue sync pushed over GraphQL, orders pushed to them
by webhook and subscription, their invoices and reconciliation."""
