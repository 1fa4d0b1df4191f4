# a .ts file whose header never reaches the data
@problemName NoData
@timeStamps false
@classLabel true a b
1,2,3:a
4,5,6:b
