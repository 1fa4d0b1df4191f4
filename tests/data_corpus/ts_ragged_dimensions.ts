@problemName Ragged
@univariate false
@dimensions 3
@equalLength false
@classLabel true a b
@data
1,2,3:4,5,6:7,8,9:a
1,2,3,4:5,6,7:8,9,10,11:b
