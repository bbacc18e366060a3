pytest_plugins = ["test_support.fixtures"]
