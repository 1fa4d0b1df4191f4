@problemName Equal
@univariate true
@equalLength true
@seriesLength 4
@classLabel true 1 2
@data
1,2,3,4:1
1,2,3:2
