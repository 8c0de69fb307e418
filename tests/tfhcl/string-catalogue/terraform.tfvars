vm_os_simple = "RHEL"
license_type = "RHEL_BYOS"
