// Registry and template-spec modules are not fetched: each is a workload carrying the
// image parameters passed to it.
param rhelSku string = '7.7'

module avmVm 'br/public:avm/res/compute/virtual-machine:0.5.0' = {
  name: 'avm-vm'
  params: {
    name: 'sap-app'
    imageReference: {
      publisher: 'RedHat'
      offer: 'RHEL-SAP-HA'
      sku: '8_6'
      version: 'latest'
    }
  }
}

module privateVm 'br:contoso.azurecr.io/bicep/modules/rhel-vm:v1' = {
  name: 'private-vm'
  params: {
    imagePublisher: 'RedHat'
    imageOffer: 'RHEL'
    imageSku: rhelSku
  }
}

module spec 'ts:00000000-0000-0000-0000-000000000000/specs-rg/network:1.0' = {
  name: 'network'
  params: {
    vnetName: 'core'
  }
}
