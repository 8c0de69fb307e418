// tests/arm/license-types in Bicep.

resource wrong_case 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'wrong-case'
  location: 'westeurope'
  properties: {
    licenseType: 'rhel_byos'
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: '9_4'
        version: 'latest'
      }
    }
  }
}

resource sles_with_rhel_type 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'sles-with-rhel-type'
  location: 'westeurope'
  properties: {
    licenseType: 'RHEL_BYOS'
    storageProfile: {
      imageReference: {
        publisher: 'SUSE'
        offer: 'sles-sap-15-sp5'
        sku: 'gen2'
        version: 'latest'
      }
    }
  }
}

resource byos_to_payg 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'byos-to-payg'
  location: 'westeurope'
  properties: {
    licenseType: 'RHEL_BASE'
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'rhel-byos'
        sku: 'rhel-lvm94'
        version: 'latest'
      }
    }
  }
}

resource payg_to_byos 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'payg-to-byos'
  location: 'westeurope'
  properties: {
    licenseType: 'RHEL_BYOS'
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: '9-lvm-gen2'
        version: 'latest'
      }
    }
  }
}
