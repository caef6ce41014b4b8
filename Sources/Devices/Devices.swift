// Devices: device profiles and the Cortex-M cost model (see README.md in this folder).
