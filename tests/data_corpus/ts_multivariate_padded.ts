# multivariate, variable length, padded with ?; one case without values, one without a label
@problemName Padded
@timeStamps false
@missing true
@univariate false
@dimensions 2
@equalLength false
@classLabel true up down
@data
1.5,2.5,3.5,?,?:-1,-2,-3,?,?:up
0.5,1,1.5,2,2.5:5,4,3,2,1:down
?,?,?:?,?,?:up
7,8,9:6,5,4:?
4,5,6,7:1,2,3,4,?:down
