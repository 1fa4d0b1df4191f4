@problemName Both
@classLabel true 1 2
@targetLabel true
@data
1,2,3:1
