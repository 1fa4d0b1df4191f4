@problemName Late
@classLabel true 1 2
@data
1,2,3:1
@missing true
4,5,6:2
