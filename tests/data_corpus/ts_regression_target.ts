@problemname Sales
@timestamps false
@missing false
@univariate true
@equallength true
@targetlabel true
@data
1.0,2.0,3.0:10
2.0,3.0,4.0:20.5
3.0,4.0,5.0:?
