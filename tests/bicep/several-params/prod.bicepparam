using './main.bicep'

param sku = '9_6'
param count = 4
