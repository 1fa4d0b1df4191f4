@problemName Uni
@univariate true
@classLabel true 1 2
@data
1,2,3:4,5,6:1
