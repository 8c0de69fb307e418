#!/bin/bash
subscription-manager register --org 12345 --activationkey prod
subscription-manager attach --auto
