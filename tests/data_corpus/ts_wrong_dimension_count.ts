@problemName Dims
@univariate false
@dimensions 3
@classLabel true 1 2
@data
1,2,3:4,5,6:7,8,9:1
1,2,3:4,5,6:2
