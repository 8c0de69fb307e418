resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'vm'
  location: 'westeurope'
  properties: {
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: rhelSku
        version: 'latest'
      }
    }
    osProfile: {
      customData: loadFileAsBase64('missing.sh')
    }
  }
}
