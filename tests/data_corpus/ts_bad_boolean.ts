@problemName Flags
@timeStamps maybe
@classLabel true 1
@data
1,2,3:1
