#!/bin/bash
subscription-manager register --activationkey=web --org=12345
subscription-manager attach --pool=${pool}
