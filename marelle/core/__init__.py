"""Small helpers shared by the portal and the back office: safe redirects, bounded dates,
and the security middleware. No models, no imports of our domain apps."""
