@problemName Empty
@timeStamps false
@univariate true
@classLabel true a b
@data

# nothing here
