@problemName NoLabelHeader
@timeStamps false
@data
1,2,3,4:yes
5,6,7,8:no
