@problemName Gaps
@missing true
@univariate true
@equalLength true
@classLabel true a b
@data
?,2,NaN,4,?:a
1,2,3,4,5:b
