print("podpisd")
