@problemName Labels
@univariate true
@classLabel true Standing Running Walking
@data
1,2,3:Standing
4,5,6:running
