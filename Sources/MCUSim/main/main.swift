import MCUSim
MCUSimCLI.main()
