"""A build helper, not a Deployment Manager template: a walk does not list it."""
print("hello")
