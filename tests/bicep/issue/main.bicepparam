using './main.bicep'

param vmCount = 3
param adminUsername = 'rheladmin'
