// The scenario of issue 19: a RHEL VM whose SKU is an @allowed parameter.
@description('RHEL release to deploy')
@allowed([
  '7.2'
  '9_4'
])
param rhelSku string = '7.2'

param vmCount int = 3
param adminUsername string = 'azureuser'
param location string = resourceGroup().location

var imageReference = {
  publisher: 'RedHat'
  offer: 'RHEL'
  sku: rhelSku
  version: 'latest'
}

resource vms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(0, vmCount): {
  name: 'rhel-vm-${i}'
  location: location
  properties: {
    hardwareProfile: {
      vmSize: 'Standard_D2s_v3'
    }
    storageProfile: {
      imageReference: imageReference
    }
    osProfile: {
      computerName: 'rhel${i}'
      adminUsername: adminUsername
      customData: loadFileAsBase64('init.sh')
    }
  }
}]

module worker './modules/vm.bicep' = {
  name: 'worker'
  params: {
    imageSku: '7.4'
    location: location
  }
}

output firstName string = vms[0].name
output workerName string = worker.outputs.vmName
